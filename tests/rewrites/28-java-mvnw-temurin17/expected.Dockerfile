FROM eclipse-temurin:17-jdk AS build
WORKDIR /workspace
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B dependency:go-offline
COPY src src
RUN ./mvnw -B package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /workspace
COPY --from=build /workspace/target/catalog-0.0.1-SNAPSHOT.jar /workspace/target/catalog-0.0.1-SNAPSHOT.jar
EXPOSE 8080
CMD java -XX:MaxRAMPercentage=75 -jar target/catalog-0.0.1-SNAPSHOT.jar
