FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /usr/src/app
COPY pom.xml .
COPY src ./src
RUN mvn -B package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /usr/src/app
COPY --from=build /usr/src/app/target/app.jar /usr/src/app/target/app.jar
EXPOSE 8080
ENTRYPOINT ["java"]
CMD ["-jar", "target/app.jar"]
