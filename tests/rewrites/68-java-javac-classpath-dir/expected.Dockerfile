FROM openjdk:11-jdk AS build
COPY src /home/app/src
WORKDIR /home/app
RUN mkdir bin
RUN javac -d bin src/HelloWorld.java

FROM eclipse-temurin:11-jre
WORKDIR /home/app
COPY --from=build /home/app/bin /home/app/bin
ENTRYPOINT ["java", "-cp", "bin", "HelloWorld"]
